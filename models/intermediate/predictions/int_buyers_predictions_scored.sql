{#-
    The predictions of SEGMENTS.md section 12 per buyer: p_alive,
    churn_probability and expected_orders over the next
    prediction_horizon_days, expected_order_value and predicted_value, from
    the fitted parameters. The BG/NBD part depends on (x, t_x, T) only, so it
    is computed once per distinct triple; ₂F₁ is a series summed in log space
    with the (1 − z)^(r+x) factor folded into each term (DECISIONLOG D74).
    Null everywhere when there is no fit.
-#}

{%- set horizon = var('prediction_horizon_days') %}

with

buyers as (

    select * from {{ ref('int_buyers_purchases_summarised') }}

),

frequencies as (

    select
        frequency_x,
        recency_t_x,
        age_t

    from {{ ref('int_buyer_frequencies_grouped') }}

),

parameters as (

    select
        r,
        alpha,
        a,
        b,
        p,
        q,
        gamma

    from {{ ref('int_prediction_parameters_fitted') }}
    where r is not null

),

digits as (
    {% for digit in range(10) %}
        select {{ digit }} as digit
        {% if not loop.last %}
            union all
        {% endif %}
    {%- endfor %}
),

term_numbers as (

    -- k = 0 .. 99,999: enough terms while z <= 0.9996 (D74, D92)
    select
        ten_thousands.digit * 10000
        + thousands.digit * 1000
        + hundreds.digit * 100
        + tens.digit * 10
        + units.digit as term_number
    from digits as ten_thousands
    cross join digits as thousands
    cross join digits as hundreds
    cross join digits as tens
    cross join digits as units

),

frequency_inputs as (

    select
        frequencies.frequency_x,
        frequencies.recency_t_x,
        frequencies.age_t,
        parameters.r + frequencies.frequency_x as shape_r,
        parameters.b + frequencies.frequency_x as shape_b,
        parameters.a + parameters.b + frequencies.frequency_x - 1 as shape_c,
        -- c = a + b - 1 lies in (-1, 0) when x = 0 and a + b < 1: then
        -- (c)_k = c (c+1)_(k-1) for k >= 1, negative, with c + 1 > 0 (D74)
        case when parameters.a + parameters.b + frequencies.frequency_x - 1 < 0 then 1 else 0 end as c_shift,
        (parameters.a + parameters.b + frequencies.frequency_x - 1) / (parameters.a - 1) as orders_factor,
        ln(parameters.alpha + frequencies.age_t) - ln(parameters.alpha + frequencies.age_t + {{ horizon }})
            as log_one_minus_z,
        {{ hypergeometric_log_z('parameters.alpha', 'frequencies.age_t') }} as log_z,
        case
            when frequencies.frequency_x > 0
                then
                    ln(parameters.a) - ln(parameters.b + frequencies.frequency_x - 1)
                    + (parameters.r + frequencies.frequency_x)
                    * (ln(parameters.alpha + frequencies.age_t) - ln(parameters.alpha + frequencies.recency_t_x))
        end as log_odds

    from frequencies
    cross join parameters

),

frequency_term_counts as (

    -- a tail below 1e-15, at most hypergeometric_term_limit() terms (D74, D92)
    select
        *,
        shape_c + c_shift as shape_c_base,
        least(
            {{ hypergeometric_term_limit() }},
            {{ hypergeometric_terms_needed('shape_r', 'log_z') }}
        ) as term_count

    from frequency_inputs

),

series_arguments as (

    select
        frequency_term_counts.frequency_x,
        frequency_term_counts.recency_t_x,
        frequency_term_counts.age_t,
        frequency_term_counts.shape_r,
        frequency_term_counts.shape_b,
        frequency_term_counts.shape_c_base,
        frequency_term_counts.log_z,
        frequency_term_counts.log_one_minus_z,
        term_numbers.term_number,
        greatest(term_numbers.term_number - frequency_term_counts.c_shift, 0) as c_term_number,
        case
            when frequency_term_counts.c_shift = 1 and term_numbers.term_number > 0 then -1 else 1
        end as term_sign,
        case
            when frequency_term_counts.c_shift = 1 and term_numbers.term_number > 0
                then ln(greatest(abs(frequency_term_counts.shape_c), 1e-300))
            else 0
        end as log_negative_c

    from frequency_term_counts
    inner join term_numbers
        on frequency_term_counts.term_count >= term_numbers.term_number
    where frequency_term_counts.shape_c != 0

),

series_terms as (

    -- (1 - z)^(r+x) (r+x)_k (b+x)_k / ((c)_k k!) z^k, summed in log space
    select
        frequency_x,
        recency_t_x,
        age_t,
        term_sign * exp(greatest(
            {{ lgamma('shape_r + term_number') }} - {{ lgamma('shape_r') }}
            + {{ lgamma('shape_b + term_number') }} - {{ lgamma('shape_b') }}
            - log_negative_c
            - {{ lgamma('shape_c_base + c_term_number') }} + {{ lgamma('shape_c_base') }}
            - {{ lgamma('term_number + 1.0') }}
            + term_number * log_z
            + shape_r * log_one_minus_z,
            -700
        )) as series_term

    from series_arguments

),

series_sums as (

    select
        frequency_x,
        recency_t_x,
        age_t,
        -- summed as decimals: the same whatever the terms' order (D75)
        cast(sum(cast(series_term as {{ exact_sum_type(24) }})) as {{ double_type() }}) as scaled_hypergeometric

    from series_terms
    group by frequency_x, recency_t_x, age_t

),

frequency_predictions as (

    select
        frequency_term_counts.frequency_x,
        frequency_term_counts.recency_t_x,
        frequency_term_counts.age_t,
        1 / (1 + coalesce(exp(least(greatest(frequency_term_counts.log_odds, -700), 700)), 0)) as p_alive,
        frequency_term_counts.orders_factor
        * (1 - series_sums.scaled_hypergeometric)
        / (1 + coalesce(exp(least(greatest(frequency_term_counts.log_odds, -700), 700)), 0)) as expected_orders,
        1 - exp(frequency_term_counts.shape_r * frequency_term_counts.log_one_minus_z) as purchase_if_alive

    from frequency_term_counts
    left join series_sums
        on
            frequency_term_counts.frequency_x = series_sums.frequency_x
            and frequency_term_counts.recency_t_x = series_sums.recency_t_x
            and frequency_term_counts.age_t = series_sums.age_t

),

scored as (

    select
        buyers.customer_id,
        frequency_predictions.p_alive,
        1 - frequency_predictions.p_alive * frequency_predictions.purchase_if_alive as churn_probability,
        frequency_predictions.expected_orders,
        case
            when buyers.frequency_x > 0
                then
                    parameters.p * (parameters.gamma + buyers.frequency_x * buyers.mean_order_value)
                    / (parameters.p * buyers.frequency_x + parameters.q - 1)
            when parameters.q > 1 then parameters.p * parameters.gamma / (parameters.q - 1)
        end as expected_order_value

    from buyers
    inner join frequency_predictions
        on
            buyers.frequency_x = frequency_predictions.frequency_x
            and buyers.recency_t_x = frequency_predictions.recency_t_x
            and buyers.age_t = frequency_predictions.age_t
    cross join parameters

),

final as (

    select
        customer_id,
        cast(p_alive as {{ double_type() }}) as p_alive,
        cast(churn_probability as {{ double_type() }}) as churn_probability,
        cast(expected_orders as {{ double_type() }}) as expected_orders,
        cast(expected_order_value as {{ double_type() }}) as expected_order_value,
        cast(expected_orders * expected_order_value as {{ double_type() }}) as predicted_value

    from scored

)

select * from final
