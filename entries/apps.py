from django.apps import AppConfig
from django.db.models.signals import post_migrate, pre_save


class EntriesConfig(AppConfig):
    name = "entries"
    verbose_name = "Encyclopedia"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import services
        from .caching import receivers as cache_receivers
        from .editors import on_post_migrate
        from .history import record, register_models
        from .models import KIND_MODELS
        from .models.naturalkeys import set_dependencies
        from .search import indexing as search_indexing
        from .text import clean_revision_comment

        register_models()
        set_dependencies()
        record.keep_version_counting()
        search_indexing.connect_signals()
        cache_receivers.connect()
        # Inside a write, the pages that show an entry before it is saved.
        for model in KIND_MODELS.values():
            pre_save.connect(
                services.before_save, sender=model, dispatch_uid=f"entries.before_save.{model.KIND}"
            )
        # Edit summaries, however a revision is opened (the admin, services, the importer).
        pre_save.connect(
            clean_revision_comment,
            sender="reversion.Revision",
            dispatch_uid="entries.clean_comment",
        )

        # Runs after contenttypes/auth have created this app's permissions.
        post_migrate.connect(on_post_migrate, dispatch_uid="entries.sync_editors_group")
