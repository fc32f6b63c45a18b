{#-
    One row: the BG/NBD and Gamma-Gamma parameters fitted as of as_of_date
    (SEGMENTS.md section 12), both log-likelihoods, the horizon of the
    predictions in customer_segments, and the status of the fit.
-#}

with

fitted as (

    select * from {{ ref('int_prediction_parameters_fitted') }}

),

final as (

    select
        {{ as_of_date() }} as as_of_date,
        buyers,
        repeat_buyers,
        r,
        alpha,
        a,
        b,
        bgnbd_log_likelihood,
        p,
        q,
        gamma,
        gamma_gamma_log_likelihood,
        cast({{ var('prediction_horizon_days') }} as {{ dbt.type_int() }}) as prediction_horizon_days,
        status

    from fitted

)

select * from final
