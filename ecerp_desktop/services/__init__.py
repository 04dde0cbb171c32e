"""Use cases, each one transaction: the UI and the CLI both call these, neither holds rules.

Every service takes the :class:`~ecerp_desktop.store.Store` and the acting user
(:class:`~ecerp_desktop.domain.auth.Actor`) and checks the actor's permission itself.
Services may run on any thread except the GUI thread.
"""
