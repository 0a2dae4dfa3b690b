"""Stage 1, reading: files and text in, a `Document` out.

Takes bytes or text (a file, standard input, an upload, an HTML export); gives a `Document`:
blocks and heading candidates with offsets into the original text, and a masked copy for the NLP
layer. Safe decoding and size limits live here; nothing here knows about spaCy.
"""
