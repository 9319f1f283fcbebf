"""Unit tests of how far ahead of the free slots model steps generate."""

from omniopt.generation_pacing import GenerationPacer


def test_one_slot_never_generates_ahead():
    pacer = GenerationPacer(capacity=1)
    pacer.step_took(5.0)
    pacer.trial_took(1.0)
    assert pacer.points_ahead(busy_slots=1) == 0


def test_one_point_ahead_until_both_durations_are_known():
    pacer = GenerationPacer(capacity=4)
    assert pacer.points_ahead(busy_slots=3) == 1
    pacer.step_took(2.0)
    assert pacer.points_ahead(busy_slots=3) == 1


def test_fast_steps_stay_one_point_ahead():
    pacer = GenerationPacer(capacity=4)
    pacer.step_took(0.1)
    pacer.trial_took(10.0)
    assert pacer.points_ahead(busy_slots=4) == 1


def test_slow_steps_cover_every_busy_slot_that_ends_meanwhile():
    pacer = GenerationPacer(capacity=4)
    pacer.step_took(0.6)
    pacer.trial_took(1.0)
    # 3 busy slots x 0.6 s / 1 s per trial: about 2 trials end during a step.
    assert pacer.points_ahead(busy_slots=3) == 2
    pacer.step_took(3.0)
    assert pacer.points_ahead(busy_slots=3) == 3


def test_instant_trials_do_not_divide_by_zero():
    pacer = GenerationPacer(capacity=8)
    pacer.step_took(1.0)
    pacer.trial_took(0.0)
    assert pacer.points_ahead(busy_slots=8) == 8
    assert pacer.points_ahead(busy_slots=0) == 1


def test_averages_follow_recent_durations():
    pacer = GenerationPacer(capacity=4)
    pacer.trial_took(1.0)
    for _ in range(20):
        pacer.step_took(0.1)
    assert pacer.points_ahead(busy_slots=4) == 1
    for _ in range(20):
        pacer.step_took(4.0)
    assert pacer.points_ahead(busy_slots=4) == 4
