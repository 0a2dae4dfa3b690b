"""The Streamlit app: the draft page and the archive page over the engine and the archive.

`main` is the Streamlit script (`pmlint app`, `streamlit run app.py`); the only modules that
import streamlit are the page and state modules here. The pure HTML/Markdown helpers have no
Streamlit dependency and are tested directly; the fixed-draft helper is analyzer.output.fixer.
"""
