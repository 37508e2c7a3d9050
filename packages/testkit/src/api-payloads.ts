// Request bodies a parent sends, shared by the tests, the benchmarks and the worker's tests.

/** A child profile; `as const` keeps its choices (age range, sex, …) literal, so it is a worker's ChildProfile as well. */
export const aChild = {
  name: 'Mia',
  age_range: '4-6',
  sex: 'Female',
  eye_color: 'Green',
  hair_type: 'Curly',
  hair_color: 'Red',
  ethnicity: 'Irish',
  fav_animals: 'otters',
  fav_activities: 'building sandcastles',
  fav_shows: null,
} as const

export const aStory = (childId: string, topic = 'a lost red balloon') => ({
  child_id: childId,
  topic,
  story_genre: 'Adventure',
  image_style: 'Watercolor',
})
