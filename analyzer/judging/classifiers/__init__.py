"""The trained classifiers at run time: sentence features from the parse, the manifest-checked
model loader and run-time formats (plain-data linear model, spaCy textcat), the spaCy component
that scores sentences, and their combination with rule hits. `analyzer.training` writes what this
package reads.
"""
