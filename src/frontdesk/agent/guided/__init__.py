"""The offline guided model: a deterministic receptionist behind the same model interface."""
