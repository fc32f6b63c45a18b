{#-
    ln Γ(x) on every engine (SEGMENTS.md section 12).
-#}

{% macro lgamma(expression) -%}
    {#-
        ln Γ(x) of a positive double (SEGMENTS.md section 12: the Gamma-Gamma
        fit and the ₂F₁ series). DuckDB has lgamma; PostgreSQL 15 and Spark do
        not, so every other engine gets the series below (DECISIONLOG D73).
        tests/dbt/data/assert_lgamma_matches_known_values.sql checks it.
    -#}
    {{ return(adapter.dispatch('lgamma', 'lifecycle_segments')(expression)) }}
{%- endmacro %}


{% macro default__lgamma(expression) -%}
    {#-
        Stirling's series after a shift of 10: ln Γ(x) = ln Γ(x + 10) −
        ln(x (x+1) … (x+9)), and for z = x + 10 >= 10 the series to the z^-7
        term errs by less than 1/(1188 z^9) < 1e-12.
    -#}
    {%- set z = '((' ~ expression ~ ') + 10.0)' -%}
    (
        ({{ z }} - 0.5) * ln({{ z }}) - {{ z }} + 0.91893853320467274178
        + 1.0 / (12.0 * {{ z }})
        - 1.0 / (360.0 * power({{ z }}, 3))
        + 1.0 / (1260.0 * power({{ z }}, 5))
        - 1.0 / (1680.0 * power({{ z }}, 7))
        - ln(
            {%- for shift in range(10) %}
            (({{ expression }}) + {{ shift }}.0){{ ' *' if not loop.last }}
            {%- endfor %}
        )
    )
{%- endmacro %}


{% macro duckdb__lgamma(expression) -%}
    lgamma({{ expression }})
{%- endmacro %}
