{#-
    Every (x, t_x, T) whose ₂F₁ series for expected_orders needs more terms
    than int_buyers_predictions_scored sums (DECISIONLOG D92): z above about
    0.9996, which takes a fitted alpha plus T below 40 h / 100,000 days. Such
    a buyer's expected_orders is too small; a warning names how many.
-#}

with

frequencies as (

    select
        frequency_x,
        recency_t_x,
        age_t,
        buyers

    from {{ ref('int_buyer_frequencies_grouped') }}

),

parameters as (

    select
        r,
        alpha

    from {{ ref('int_prediction_parameters_fitted') }}
    where r is not null

),

needs as (

    select
        frequencies.frequency_x,
        frequencies.recency_t_x,
        frequencies.age_t,
        frequencies.buyers,
        {{ hypergeometric_terms_needed(
            'parameters.r + frequencies.frequency_x',
            hypergeometric_log_z('parameters.alpha', 'frequencies.age_t')
        ) }} as terms_needed

    from frequencies
    cross join parameters

),

final as (

    select *
    from needs
    where terms_needed > {{ hypergeometric_term_limit() }}

)

select * from final
