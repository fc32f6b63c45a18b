{#-
    The BG/NBD and Gamma-Gamma parameters of SEGMENTS.md section 12, fitted in
    the warehouse by fit_prediction_model() (macros/predictions/) when the
    model runs: one row of the fitted values, or nulls and why not.
-#}

-- depends_on: {{ ref('int_buyer_frequencies_grouped') }}
-- depends_on: {{ ref('int_buyer_repeat_levels_counted') }}
-- depends_on: {{ ref('int_buyers_purchases_summarised') }}
-- depends_on: {{ ref('int_buyer_spends_grouped') }}
-- behind the publication gate (int_source_tables_gated): no fit, and no prediction
-- published, from raw data that did not pass
-- depends_on: {{ ref('int_source_tables_gated') }}

{{ fit_prediction_model() }}
