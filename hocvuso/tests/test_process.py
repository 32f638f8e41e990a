import gc

from hocvuso.process import YOUNG_THRESHOLD, settle_heap


def test_settling_the_heap_keeps_start_up_objects_out_of_later_collections():
    threshold = gc.get_threshold()
    try:
        settle_heap()
        assert gc.get_freeze_count() > 0
        assert gc.get_threshold()[0] == YOUNG_THRESHOLD
        assert gc.isenabled()
    finally:
        gc.unfreeze()
        gc.set_threshold(*threshold)
