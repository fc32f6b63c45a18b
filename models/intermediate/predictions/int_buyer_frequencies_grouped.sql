{#-
    The buyers grouped by distinct (x, t_x, T), with how many share each:
    all the BG/NBD likelihood and predictions need (CDNOW: 2,357 buyers,
    1,016 rows).
-#}

with

buyers as (

    select
        frequency_x,
        recency_t_x,
        age_t

    from {{ ref('int_buyers_purchases_summarised') }}

),

grouped as (

    select
        frequency_x,
        recency_t_x,
        age_t,
        count(*) as buyers

    from buyers
    group by frequency_x, recency_t_x, age_t

)

select * from grouped
