{#-
    One row per buyer and local date (reporting_timezone) with valid orders
    (SEGMENTS.md section 12): the day's total order value and the day's
    number in the buyer's history, 0 for the first.
-#}

with

valid_order_dates as (

    {{ valid_order_dates(['customer_id', 'order_total']) }}

),

order_days as (

    select
        customer_id,
        order_date,
        sum(order_total) as day_order_total

    from valid_order_dates
    group by customer_id, order_date

),

numbered as (

    select
        customer_id,
        row_number() over (partition by customer_id order by order_date) - 1 as day_number,
        -- exact (money_type), so that the mean order value is the same whatever the
        -- order the rows arrive in: an average of doubles differs in its last
        -- bits, and the Gamma-Gamma fit may then take another path (D84)
        cast(day_order_total as {{ money_type() }}) as day_order_total,
        order_date

    from order_days

)

select * from numbered
