"""pmlint's Streamlit app, for a source checkout: `streamlit run app.py` (or `pmlint app`).

The pages live in `analyzer/app/main.py`, so that the installed package ships the same app that
`pmlint app` starts; panels in `analyzer/app/draft_view.py` and `archive_view.py`, pure drawing
helpers in `analyzer/app/render.py`.
"""

from analyzer.app.main import main

main()
