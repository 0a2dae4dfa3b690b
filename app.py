"""pmlint's Streamlit app, for a source checkout: `streamlit run app.py` (or `pmlint app`).

The widgets and layout live in `analyzer/app_main.py`, so that the installed package ships the
same app that `pmlint app` starts; the drawing helpers live in `analyzer/ui.py`.
"""

from analyzer.app.main import main

main()
