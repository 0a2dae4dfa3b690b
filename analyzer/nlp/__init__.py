"""Stage 2, the NLP layer: a `Document` in, spaCy `Doc`s with pmlint's annotations out.

Builds the spaCy pipeline (the base model plus pmlint's components), and holds what the layer
knows: the lexicon of people, roles and systems, the section detector and the ConText-lite
modifiers. It says nothing about what is wrong; that is the judging stage.
"""
