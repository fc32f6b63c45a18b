{#-
    The repeat buyers with a positive mean order value, grouped by distinct
    (x, m), with how many share each: what the Gamma-Gamma likelihood sums
    over, grouped once here rather than in each of the fit's queries (D94).
-#}

with

spenders as (

    select
        frequency_x,
        mean_order_value

    from {{ ref('int_buyers_purchases_summarised') }}
    where frequency_x > 0 and mean_order_value > 0

),

grouped as (

    select
        frequency_x,
        mean_order_value,
        count(*) as buyers

    from spenders
    group by frequency_x, mean_order_value

)

select * from grouped
