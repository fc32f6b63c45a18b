{#- A host's own model on the package's public mart: customers per lifecycle segment. -#}

with

customer_segments as (

    select * from {{ ref('lifecycle_segments', 'customer_segments') }}

),

segment_sizes as (

    select
        lifecycle_segment,
        count(*) as customers

    from customer_segments
    group by lifecycle_segment

)

select * from segment_sizes
