"""Persona discovery: evidence-backed tags, clustering into named personas, their concerns.

Step 3 of the method: describe customers by behaviour, need preferences and decision style
(:mod:`~.tags`, rules in ``tags.yaml``), cluster them into a few typical personas
(:class:`~.model.PersonaModel` over the feature groups of :mod:`~.features`), name each from
what sets it apart (:mod:`~.naming`), profile it with its ranked core concerns
(:mod:`~.profiles`, vocabulary in ``concerns.yaml``) and store tags, assignments and the model
(:mod:`~.run`). Outcome fields never enter the clustering.
"""

from salesanalysis.personas.config import (
    load_concerns,
    load_persona_settings,
    load_tag_rules,
)
from salesanalysis.personas.model import PersonaModel
from salesanalysis.personas.run import (
    PersonaResult,
    assign_at,
    discover_personas,
    stored_personas,
)

__all__ = [
    "PersonaModel",
    "PersonaResult",
    "assign_at",
    "discover_personas",
    "load_concerns",
    "load_persona_settings",
    "load_tag_rules",
    "stored_personas",
]
