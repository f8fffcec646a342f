"""One package per external system: base.py (Protocol), fake.py (built-in simulator)."""
