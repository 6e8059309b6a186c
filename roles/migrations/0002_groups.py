"""The roles that are not per object are groups: team lead and functional
administrator. What a functional administrator may do in the admin is listed here;
client and case content is not part of it (R2)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUPS = {
    "Teamleider": [],
    "Functioneel beheerder": [
        ("accounts", "add_user"),
        ("accounts", "change_user"),
        ("accounts", "view_user"),
        ("accounts", "add_organisation"),
        ("accounts", "change_organisation"),
        ("accounts", "view_organisation"),
        ("accounts", "add_municipality"),
        ("accounts", "change_municipality"),
        ("accounts", "view_municipality"),
        ("roles", "view_assignment"),
        ("roles", "view_caseuserobjectpermission"),
        ("roles", "view_clientuserobjectpermission"),
        ("cases", "view_supportcase"),
    ],
}


def create_groups(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, perms in GROUPS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(
            [
                Permission.objects.get(content_type__app_label=app, codename=codename)
                for app, codename in perms
            ]
        )


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("roles", "0001_initial"),
        ("accounts", "0001_initial"),
        ("cases", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
