"""The indicators engine: latest values, targets, status and score of indicators.

``latest`` reads (a fixed number of queries whatever the data size), ``status`` judges (pure
functions, one table of status labels and colours). Cards use them now; aggregation over a
year, calculated indicators and the roll-up to objectives and axes build on the same modules.
Nothing is imported here, so that importing one module (the formula parser from a
declaration check, say) never drags the models in.
"""
