{#-
    The predictions of SEGMENTS.md section 12 in customer_segments: null for
    non-buyers and when prediction_model has no fit; for every buyer with a
    fit, p_alive and churn_probability in [0, 1], expected_orders >= 0, and
    predicted_value = expected_orders × expected_order_value.
-#}

with

customer_segments as (

    select
        customer_id,
        orders_count,
        p_alive,
        churn_probability,
        expected_orders,
        expected_order_value,
        predicted_value

    from {{ ref('customer_segments') }}

),

prediction_model as (

    select r
    from {{ ref('prediction_model') }}

),

checked as (

    select
        customer_segments.*,
        case
            when customer_segments.orders_count = 0 or prediction_model.r is null
                then
                    customer_segments.p_alive is null
                    and customer_segments.churn_probability is null
                    and customer_segments.expected_orders is null
                    and customer_segments.predicted_value is null
            else
                customer_segments.p_alive between 0 and 1
                and customer_segments.churn_probability between 0 and 1
                and customer_segments.expected_orders >= 0
                and (
                    customer_segments.expected_order_value is null
                    or abs(
                        customer_segments.predicted_value
                        - customer_segments.expected_orders * customer_segments.expected_order_value
                    ) <= 1e-9 * greatest(abs(customer_segments.predicted_value), 1)
                )
        end as follows_the_rules

    from customer_segments
    cross join prediction_model

)

select *
from checked
where not coalesce(follows_the_rules, false)
