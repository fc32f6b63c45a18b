{#-
    The BG/NBD log-likelihood (SEGMENTS.md section 12) of candidate parameters.
-#}

{% macro bgnbd_log_likelihood_sql(candidates_sql, frequencies, levels) -%}
    {#-
        Section 12's BG/NBD log-likelihood summed over all buyers, per
        candidate (parameter_1..4 = r, alpha, a, b). The Γ ratios of whole x
        are sums of logarithms over i < x: Σ_i (buyers with x > i) ·
        [ln(r+i) + ln(b+i) − ln(a+b+i)], from the repeat levels; the rest is
        summed over the distinct (x, t_x, T) with their buyer counts.
    -#}
    with

    candidates as (
        {{ candidates_sql }}
    ),

    frequencies as (

        select frequency_x, recency_t_x, age_t, buyers
        from {{ frequencies }}

    ),

    levels as (

        select repeat_level, buyers
        from {{ levels }}

    ),

    terms as (

        select
            candidates.candidate_id,
            frequencies.buyers,
            candidates.parameter_1 * ln(candidates.parameter_2) as scale_term,
            -(candidates.parameter_1 + frequencies.frequency_x) * ln(candidates.parameter_2 + frequencies.age_t) as alive_term,
            case
                when frequencies.frequency_x > 0
                    then ln(candidates.parameter_3) - ln(candidates.parameter_4 + frequencies.frequency_x - 1)
                    - (candidates.parameter_1 + frequencies.frequency_x) * ln(candidates.parameter_2 + frequencies.recency_t_x)
            end as dropout_term

        from candidates
        cross join frequencies

    ),

    per_group as (

        select
            candidate_id,
            -- summed as decimals: the same whatever the rows' order (D75)
            cast(sum(cast(buyers * (
                scale_term
                + case
                    when dropout_term is null then alive_term
                    else {{ log_add_exp('alive_term', 'dropout_term') }}
                end
            ) as {{ exact_sum_type() }})) as {{ double_type() }}) as log_likelihood

        from terms
        group by candidate_id

    ),

    per_level as (

        select
            candidates.candidate_id,
            cast(sum(cast(levels.buyers * (
                ln(candidates.parameter_1 + levels.repeat_level)
                + ln(candidates.parameter_4 + levels.repeat_level)
                - ln(candidates.parameter_3 + candidates.parameter_4 + levels.repeat_level)
            ) as {{ exact_sum_type() }})) as {{ double_type() }}) as log_likelihood

        from candidates
        cross join levels
        group by candidates.candidate_id

    )

    select
        per_group.candidate_id,
        per_group.log_likelihood + coalesce(per_level.log_likelihood, 0) as log_likelihood

    from per_group
    left join per_level
        on per_group.candidate_id = per_level.candidate_id
{%- endmacro %}
