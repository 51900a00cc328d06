from django.apps import AppConfig
from django.db.models.signals import post_migrate, pre_save


class EntriesConfig(AppConfig):
    name = "entries"
    verbose_name = "Encyclopedia"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from .caching import receivers as cache_receivers
        from .editors import on_post_migrate
        from .history import record, register_models
        from .models.naturalkeys import set_dependencies
        from .search import indexing as search_indexing
        from .text import clean_revision_comment

        register_models()
        set_dependencies()
        record.keep_version_counting()
        search_indexing.connect_signals()
        cache_receivers.connect()
        # Edit summaries, however a revision is opened (the admin, services, the importer).
        pre_save.connect(
            clean_revision_comment,
            sender="reversion.Revision",
            dispatch_uid="entries.clean_comment",
        )

        # Runs after contenttypes/auth have created this app's permissions.
        post_migrate.connect(on_post_migrate, dispatch_uid="entries.sync_editors_group")
