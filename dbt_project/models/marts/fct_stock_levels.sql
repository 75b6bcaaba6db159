{#- The warehouse's on-hand units per SKU and location, as of its last snapshot: the figure
    the 3PL's stock webhooks replace, cell by cell, between two builds. -#}

with

inventory as (

    select * from {{ ref('stg_warehouse__inventory') }}

)

select
    sku,
    location_code,
    on_hand,
    updated_at,
    snapshot_at
from inventory
