from django.contrib import admin

from divert.core.admin import ReferenceDataAdmin
from divert.indicators.models import IndicatorTarget


@admin.register(IndicatorTarget)
class IndicatorTargetAdmin(ReferenceDataAdmin):
    list_display = ["indicator", "authority", "target", "tolerance", "note"]
    list_filter = ["authority"]
    search_fields = ["indicator"]
