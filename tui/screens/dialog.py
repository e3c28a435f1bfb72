"""The look of every modal dialog (forms, confirm, filters, help), and how tab moves.

The CSS is kept here, not in an app-wide stylesheet, so it is parsed only when a
dialog is first shown, not on every start-up.
"""

from tui.base.command import Command

#: tab / shift+tab between a dialog's fields. Priority bindings: the app moves the
#: focus as it reads tab, before it hands the keys after it to a field, so letters
#: typed (or pasted) straight after tab reach the next field, not the one tab left.
FIELD_COMMANDS = (
    Command("tab", "app.focus_next", "Next field", "Next field", show=False, priority=True),
    Command(
        "shift+tab",
        "app.focus_previous",
        "Previous field",
        "Previous field",
        show=False,
        priority=True,
    ),
)

#: The share of the screen (above the key bar) a dialog may take: its max-height below.
DIALOG_MAX_HEIGHT = 0.9

DIALOG_CSS = """
ModalScreen {
    align: center middle;
    background: $background 60%;
}

.dialog {
    width: 80%;
    max-width: 90;
    height: auto;
    max-height: 90%;
    border: thick $primary;
    background: $surface;
    padding: 0 1;
}

#form-heading, #help-heading {
    text-style: bold;
    color: $accent;
}

#form-intro {
    color: $text-muted;
    margin-bottom: 1;
}

#form-fields {
    height: auto;
    max-height: 45vh;  /* until FormScreen fits them to the screen; they scroll */
}

.field-label {
    margin-top: 1;
    text-style: bold;
}

.field-text {
    height: 4;
}

.field-error, #form-error {
    color: $error;
    text-style: bold;
    height: auto;
}

.-invalid {
    border: tall $error;
}

#form-hint {
    color: $text-muted;
    margin-top: 1;
}

#confirm-box {
    width: 60;
    height: auto;
}

#confirm-buttons {
    height: auto;
    align: center middle;
    margin-top: 1;
}

#confirm-buttons Button {
    margin: 0 2;
}

#help-box {
    max-width: 100;
    height: 90%;
}

.help-section {
    margin-top: 1;
}
"""
