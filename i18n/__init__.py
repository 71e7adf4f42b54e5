"""Every text people read, in one gettext catalogue (``locale/*/LC_MESSAGES/messages.po``).

The lowest layer: it imports nothing of the project, so that ``domain``, ``store``,
``application``, ``activities``, ``console`` and ``starter`` can all take their words
from here. See ``i18n.catalogue`` for the lookup and ``docs`` / ``make messages`` for
updating the ``.po`` files.
"""
