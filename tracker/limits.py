"""How long a text or a name may be: one definition for the forms, the services and the import."""

from __future__ import annotations

TEXT_MAX = 4000  # a problem's description, cause, target and remarks; a measure's text
NAME_MAX = 60  # a person, department, category, source or batch name
