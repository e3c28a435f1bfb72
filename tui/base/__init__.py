"""What every screen stands on: the gateway to the register, work in the background,
the declaration of a command (its key, label, help line and where it works), the
keys held while an action loads, and a triage session's state.

Below ``tui.app`` (the App and its command palette, which open the screens): the
screens and widgets import from here, never from ``tui.app``.
"""
