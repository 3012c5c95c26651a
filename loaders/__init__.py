"""From the Turtle files in ontology/ to a validated, reasoned store: parse, SHACL-validate, reason
with HermiT, stamp a build record, check, and swap the new store in (``tipkg.loaders.build``)."""
