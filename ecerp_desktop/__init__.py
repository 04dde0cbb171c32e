"""ecerp — desktop e-commerce ERP (电商ERP).

Layers (see docs/ARCHITECTURE.md): domain (pure rules) ← services (use cases) ← ui / cli;
store, connectors, sync, printing, devices and sim are adapters around them.
"""

__version__ = "0.1.0"
