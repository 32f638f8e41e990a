from django.http import QueryDict

from hocvuso.testing import BaseTestCase
from learning import actions
from learning.models import Question
from learning.stats import item_statistics
from learning.tests.factories import answer_everything_right, make_course
from people.actions import create_person


class ItemStatisticsTests(BaseTestCase):
    def test_facility_and_discrimination_separate_good_and_bad_questions(self):
        course, lessons = make_course(pass_mark=0)
        quiz = lessons[2].quiz
        tf = Question.objects.get(key="mk2")
        people = [create_person(full_name=f"Người Học {i}", unit=self.lienminh) for i in range(6)]
        for i, person in enumerate(people):
            attempt = actions.start_attempt(quiz=quiz, person=person, seed=i)
            right = answer_everything_right(attempt)
            post = QueryDict(mutable=True)
            # The strongest learners (i >= 3) answer everything; the weaker ones only the true/false question.
            for key, values in right.lists():
                slot = int(key[1:].split("-")[0])
                if i >= 3 or attempt.layout[slot]["q"] == tf.pk:
                    post.setlist(key, values)
            actions.save_responses(attempt=attempt, post=post)
            actions.submit_attempt(attempt=attempt)
        stats = item_statistics(quiz=quiz)
        self.assertEqual(stats[tf.pk]["facility"], 100.0)
        self.assertIsNone(stats[tf.pk]["discrimination"])  # everyone right: nothing to separate
        others = [row for pk, row in stats.items() if pk != tf.pk]
        for row in others:
            self.assertEqual(row["attempts"], 6)
            self.assertEqual(row["facility"], 50.0)
            self.assertGreater(row["discrimination"], 90)
