"""Pages of the assessment: list, dashboard, requirement form with autosave, evidence, team.

Every fetch goes through ``access.visible_assessment`` (another country's assessment is a 404,
byte for byte like a missing one), every write through ``access.require_write`` and a service."""
