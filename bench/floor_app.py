"""The floor under `page_first_view_s` (bench/first_view.py): the least a Streamlit page can
cost on this machine, measured beside our pages in the same run. Not part of the app.

    /            a title and a sentence: Streamlit's own front end, websocket and one run
    /?plotly=1   the same and one small Plotly chart: what the first Plotly figure adds
                 (Streamlit loads Plotly's JavaScript the first time a page draws one)
    /?vega=1     the same with one small Vega-Lite chart instead, for comparison
"""
import streamlit as st

st.title("Floor")
st.write("A page with almost nothing on it.")
if st.query_params.get("plotly"):
    import plotly.graph_objects as go
    st.plotly_chart(go.Figure(go.Bar(x=list(range(10)), y=list(range(10)))))
if st.query_params.get("vega"):
    st.vega_lite_chart({"data": {"values": [{"x": i, "y": i} for i in range(10)]},
                        "mark": "bar", "encoding": {"x": {"field": "x", "type": "ordinal"},
                                                    "y": {"field": "y", "type": "quantitative"}}})
