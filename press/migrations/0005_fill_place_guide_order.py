from django.db import migrations
from django.db.models import OuterRef, Subquery


def fill_guide_order(apps, schema_editor):
    """Each recommended place takes the first order its recommendations give it; from now on the
    recommendations keep it as they are saved and deleted."""
    Place = apps.get_model("people", "Place")
    Recommendation = apps.get_model("press", "Recommendation")
    using = schema_editor.connection.alias
    first = Recommendation.objects.using(using).filter(place=OuterRef("pk")).order_by("order").values("order")
    Place.objects.using(using).filter(recommendations__isnull=False).update(guide_order=Subquery(first[:1]))


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0003_place_guide_order"),
        ("press", "0004_coverage_search_and_list_indexes"),
    ]

    operations = [migrations.RunPython(fill_guide_order, migrations.RunPython.noop, elidable=True)]
