"""Figures published in the December 2022 annual review of LCSPRs (the 2021 cohort).

Copied by hand from the report (Chapter 1, Chapter 4, Appendix 1, executive
summary) so the tests need nothing outside this repository. These are the
acceptance oracle: the pipeline run on the bundled synthetic cohort must
reproduce each one.
"""

N_LCSPRS = 84
N_CHILDREN = 141
N_INDEX_CHILDREN = 82
N_DEATHS, PCT_DEATHS = 33, 39
N_SERIOUS_HARM, PCT_SERIOUS_HARM = 51, 61

# Table 1: LCSPRs received in 2021 by year of incident ("Total 81/84").
INCIDENT_YEARS = {"2017": 1, "2018": 2, "2019": 25, "2020": 52, "2021": 1}
N_INCIDENT_YEAR_KNOWN = 81
PCT_INCIDENT_IN_2020 = 64

# Table 2: rapid reviews received and LCSPRs commissioned.
RAPID_REVIEWS = {"2020": (456, 185, 41), "2021": (433, 134, 31)}

# Table 3: weeks.
INCIDENT_TO_RR = {"n": 76, "median": 3.0, "range": 57, "min": 0, "max": 57}
INCIDENT_TO_RR_DISPLAY = {
    "N": "76",
    "Median": "3.00",
    "Range": "57",
    "Minimum": "Under 1 week",
    "Maximum": "57",
}
RR_TO_LCSPR = {"n": 75, "median": 58.0, "range": 140, "min": 5, "max": 145}
RR_TO_LCSPR_DISPLAY = {
    "N": "75",
    "Median": "58.00",
    "Range": "140",
    "Minimum": "5",
    "Maximum": "145",
}
RR_WITHIN_15_WORKING_DAYS = (42, 76, 55)
LCSPR_WITHIN_26_WEEKS = (5, 75, 7)

# Table 4: ages of index children (N = 82), count and percent.
AGE_BANDS = {
    "Under 1": (25, 30),
    "1-5": (11, 13),
    "6-10": (6, 7),
    "11-15": (17, 21),
    "16+": (23, 28),
}
# Table 4 SCR reference columns: N, then (count, printed percent) per band.
SCR_AGES = {
    "scr_2005_07": (189, [(86, 46), (44, 23), (18, 10), (20, 11), (21, 11)]),
    "scr_2007_09": (280, [(123, 44), (60, 22), (26, 9), (40, 14), (31, 11)]),
    "scr_2009_11": (178, [(64, 36), (51, 29), (21, 12), (27, 15), (15, 8)]),
    "scr_2011_14": (293, [(120, 41), (64, 22), (28, 10), (41, 14), (40, 14)]),
    "scr_2014_17": (368, [(154, 42), (79, 21), (20, 5), (63, 17), (52, 14)]),
    "scr_2017_19": (235, [(86, 37), (46, 19), (20, 9), (38, 16), (45, 19)]),
}
# Table 5: total, % death, % serious harm per period.
SCR_DEATH_HARM = {
    "scr_2005_07": (189, 65, 35),
    "scr_2007_09": (280, 56, 44),
    "scr_2009_11": (178, 66, 34),
    "scr_2011_14": (293, 67, 33),
    "scr_2014_17": (373, 57, 43),
    "scr_2017_19": (235, 56, 44),
}

# Review types (these sum to 81: 3 not recorded).
REVIEW_TYPES = {
    "thematic": 7,
    "sibling group": 13,
    "unrelated children same incident": 2,
    "single child": 59,
    "not recorded": 3,
}

# Ethnicity of index children.
WHITE_BRITISH = (55, 67)
BLACK = (3, 4)
ETHNICITY_NOT_KNOWN = 3

# Deaths (33).
MALTREATMENT_DEATHS = (19, 58)
SUDI, SUICIDE = 8, 5
FATAL_PHYSICAL_ABUSE = (5, 15)

# Serious harm (51).
PHYSICAL_ABUSE = (17, 33)
SEXUAL_ABUSE = (14, 27)
SEXUAL_ABUSE_INTRA, SEXUAL_ABUSE_EXTRA = 7, 7
SEXUAL_ABUSE_GIRLS, SEXUAL_ABUSE_BOYS = 11, 3
CSE_GIRLS = 3
NEGLECT = (9, 18)

# Publication.
N_PUBLISHED, PCT_PUBLISHED, PCT_NOT_PUBLISHED = 66, 79, 21

# Methodology: 31 declared one, 53 did not.
METHODOLOGY = {
    "systems": 8,
    "welsh child practice review": 5,
    "hybrid": 4,
    "silp": 4,
    "other named": 10,
    "not stated": 53,
}
N_METHODOLOGY_DECLARED = 31

# In-depth sub-sample.
SUBSAMPLE = {
    "n": 20,
    "serious harm": 12,
    "death": 8,
    "male": 11,
    "female": 8,
    "mixed": 1,
    "under 10": 7,
    "10 and over": 12,
}
SUBSAMPLE_DEATHS = {
    "maltreatment-related death": 4,
    "fatal physical abuse": 1,
    "extreme neglect": 1,
    "cause unclear": 2,
}
SUBSAMPLE_SUICIDES = 3
SUBSAMPLE_HARM = {
    "physical abuse": 6,
    "sexual abuse intra-familial": 2,
    "neglect": 2,
    "risk-taking or violent behaviour": 1,
    "other": 1,
}

# Race, ethnicity and culture sub-sample.
RACE_SUBSAMPLE = {"n": 30, "Black and other minoritised": 27, "White British": 1, "White Other": 2}

# Chapter 1 (and 6): the review pipeline at the end of 2021 (the as-at date).
PIPELINE_INITIATED = 372
PIPELINE_COMPLETED, PCT_PIPELINE_COMPLETED = 117, 31
PIPELINE_RECEIVED_BY_YEAR = {"2020": 33, "2021": 84}
PIPELINE_PUBLISHED = 75
PIPELINE_NOT_TO_BE_PUBLISHED = 3
PIPELINE_AWAITING = 39
PIPELINE_IN_PROGRESS = 294
