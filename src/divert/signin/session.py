"""What the session records about how its user proved who they are.

A password alone does not open Divert: the session must also record a second factor
(``VERIFIED_SESSION_KEY``), set when the person enters a one-time code, or when they signed in
through the council's single sign-on, whose own multi-factor check Divert relies on.
"""

VERIFIED_SESSION_KEY = "divert_second_factor"
