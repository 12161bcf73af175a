"""Django-level pieces every app shares, over goodterms.lib: form validators and the background job loop.

It sits below the apps (they import it, it imports none of them) and above the cores.
"""
