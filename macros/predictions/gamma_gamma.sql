{#-
    The Gamma-Gamma log-likelihood (SEGMENTS.md section 12) of candidate parameters.
-#}

{% macro gamma_gamma_log_likelihood_sql(candidates_sql, spenders) -%}
    {#-
        Section 12's Gamma-Gamma log-likelihood over the buyers with x > 0 and
        m > 0, per candidate (parameter_1..3 = p, q, gamma), over distinct
        (x, m) with their counts (int_buyer_spends_grouped).
    -#}
    with

    candidates as (
        {{ candidates_sql }}
    ),

    spenders as (

        select
            cast(frequency_x as {{ double_type() }}) as frequency_x,
            mean_order_value,
            buyers

        from {{ spenders }}

    ),

    terms as (

        select
            candidates.candidate_id,
            spenders.buyers,
            candidates.parameter_1 * spenders.frequency_x as shape,
            candidates.parameter_2 as q,
            candidates.parameter_3 as scale,
            spenders.frequency_x,
            spenders.mean_order_value

        from candidates
        cross join spenders

    )

    select
        candidate_id,
        cast(sum(cast(buyers * (
            {{ lgamma('shape + q') }} - {{ lgamma('shape') }} - {{ lgamma('q') }}
            + q * ln(scale) + (shape - 1) * ln(mean_order_value) + shape * ln(frequency_x)
            - (shape + q) * ln(scale + mean_order_value * frequency_x)
        ) as {{ exact_sum_type() }})) as {{ double_type() }}) as log_likelihood

    from terms
    group by candidate_id
{%- endmacro %}
