from typing import Any

from django import template

register = template.Library()


@register.filter
def get_item(mapping: dict[Any, Any], key: Any) -> Any:
    """``mapping[key]`` in a template, or ``None``."""
    return mapping.get(key) if mapping else None


@register.filter
def record_kind(label: str) -> str:
    """``"diary.attack"`` → the model's name in the reader's language ("attack"), else the label."""
    from django.apps import apps

    try:
        model = apps.get_model(label)
    except (LookupError, ValueError):
        return label
    return str(model._meta.verbose_name)
