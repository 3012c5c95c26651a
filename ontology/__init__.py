"""The ontology's Turtle sources (model, shapes, data, examples), shipped as package data."""
