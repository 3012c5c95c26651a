"""TIPKG: a knowledge graph and legal-reference explorer on trafficking in persons in armed conflict.

The stages live in their own top-level folders and install as sub-packages of ``tipkg``:
``tipkg.loaders`` (ontology files to a validated, reasoned store), ``tipkg.store`` (the stores),
``tipkg.queries`` (every SPARQL text, as named files), ``tipkg.webapp`` (the Flask app).
"""

__version__ = "0.1.0"
