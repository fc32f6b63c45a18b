{#-
    One row per buyer as of as_of_date with section 12's inputs: x (repeat
    order days), t_x and T (days), and m, the mean order value of the days
    after the first (null when x = 0).
-#}

with

order_days as (

    select * from {{ ref('int_buyers_order_days_numbered') }}

),

per_buyer as (

    select
        customer_id,
        max(day_number) as frequency_x,
        min(order_date) as first_order_date,
        max(order_date) as last_order_date,
        avg(case when day_number > 0 then day_order_total end) as mean_order_value

    from order_days
    group by customer_id

),

summarised as (

    select
        customer_id,
        cast(frequency_x as {{ dbt.type_int() }}) as frequency_x,
        cast({{ days_between('first_order_date', 'last_order_date') }} as {{ dbt.type_int() }}) as recency_t_x,
        cast({{ days_between('first_order_date', as_of_date()) }} as {{ dbt.type_int() }}) as age_t,
        cast(mean_order_value as {{ double_type() }}) as mean_order_value

    from per_buyer

)

select * from summarised
