"""File imports (CSV or XLSX lists from partners): reading the file, matching its headers,
reading its cells, and the report of what each line became. Each import's rules live in the
domain (`onboarding.pathway.carer_import`, `onboarding.pathway.referral_import`)."""
