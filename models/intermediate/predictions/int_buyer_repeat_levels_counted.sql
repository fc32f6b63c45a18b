{#-
    For each repeat level i = 0, 1, ...: how many buyers have x > i. The Γ
    ratios of the BG/NBD likelihood are sums over i < x of logarithms, so
    summed over buyers they are sums over these levels (DECISIONLOG D72).
-#}

with

order_days as (

    select day_number
    from {{ ref('int_buyers_order_days_numbered') }}
    where day_number > 0

),

counted as (

    select
        cast(day_number - 1 as {{ dbt.type_int() }}) as repeat_level,
        count(*) as buyers

    from order_days
    group by day_number

)

select * from counted
