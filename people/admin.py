from django.contrib import admin

from people.models import Neighbourhood, Organization, Person, Place


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["name", "description", "status"]
    list_filter = ["status"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "status"]
    list_filter = ["kind", "status"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Neighbourhood)
class NeighbourhoodAdmin(admin.ModelAdmin):
    list_display = ["name", "city"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Place)
class PlaceAdmin(admin.ModelAdmin):
    list_display = ["name", "category", "neighbourhood", "opening_status", "status"]
    list_filter = ["category", "neighbourhood", "status"]
    list_select_related = ["neighbourhood"]
    search_fields = ["name", "address"]
    prepopulated_fields = {"slug": ["name"]}
