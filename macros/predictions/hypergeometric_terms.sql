{% macro hypergeometric_term_limit() -%}
    {#- The most ₂F₁ series terms one (x, t_x, T) gets: k = 0 .. 99,999 (DECISIONLOG D74, D92). -#}
    {{ return(99999) }}
{%- endmacro %}

{% macro hypergeometric_terms_needed(shape_r, log_z) -%}
    {#-
        Terms that leave a tail below 1e-15: past the largest term they fall by
        about z each, so 2(r+x) + 40 over (1 - z) suffice (DECISIONLOG D74).
        Above hypergeometric_term_limit() the series would be cut short; the
        data test assert_hypergeometric_series_complete reports such buyers.
    -#}
    ceil((2 * {{ shape_r }} + 40) / (1 - exp({{ log_z }})))
{%- endmacro %}

{% macro hypergeometric_log_z(alpha, age_t) -%}
    {#- ln z of the ₂F₁ in expected_orders, z = h / (alpha + T + h), h = prediction_horizon_days (DECISIONLOG D74). -#}
    {%- set horizon = var('prediction_horizon_days') -%}
    ln({{ horizon }}) - ln({{ alpha }} + {{ age_t }} + {{ horizon }})
{%- endmacro %}
