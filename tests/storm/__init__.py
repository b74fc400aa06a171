"""A fault-injection storm over the whole Shopify flow, with real worker processes.

``driver.run_storm(StormConfig(...))`` does everything and returns a ``StormReport``;
``python -m tests.storm.driver`` (``make soak``) runs the full one and prints the report.
"""
