"""The receptionist: models, instructions, grounding, triage, knowledge."""
